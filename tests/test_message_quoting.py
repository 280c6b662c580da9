from reconciler.errors import show, show_path


def test_show_path_keeps_the_file_name_of_a_long_path_and_escapes_control_characters() -> None:
    path = "/tmp/" + "d" * 120 + "/plan\x1b[31m.json"
    shown = show_path(path)
    assert shown.endswith("plan\\x1b[31m.json'")
    assert "\x1b" not in shown
    # values (not paths) are still cut, so a hostile 10 MB value cannot flood a log
    assert show("v" * 500).endswith("...")
