from reconciler.model import account_tags, metadata_from_tags


def test_account_tags_round_trip_through_metadata() -> None:
    tags = account_tags(
        environment="production",
        workload_type="customer_isolated",
        owner_team="platform",
        cost_center="CC-123",
        compliance_scope=("soc2", "pci_dss"),
        automation_level="full",
        lifecycle_state="active",
        extra_tags={"data-classification": "confidential"},
    )
    assert tags["managed-by"] == "reconciler"
    assert tags["compliance-scope"] == "soc2 pci_dss"
    meta = metadata_from_tags(tags)
    assert meta["compliance_scope"] == ("soc2", "pci_dss")
    assert meta["extra_tags"] == {"data-classification": "confidential"}
    assert meta["workload_type"] == "customer_isolated"


def test_policy_content_is_minified_and_keeps_non_ascii_as_sent() -> None:
    from reconciler.model import policy_content

    document = {"Version": "2012-10-17", "Statement": [{"Sid": "Café", "Effect": "Deny"}]}
    text = policy_content(document)
    assert text == '{"Version":"2012-10-17","Statement":[{"Sid":"Café","Effect":"Deny"}]}'
    # AWS counts characters of what it receives: "é" is one character, not a 6-character escape.
    assert len(text) == 69
