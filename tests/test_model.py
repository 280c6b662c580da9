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
