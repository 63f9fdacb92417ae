"""The snapshot's files: their canonical columns and the header spellings accepted for each.

PRODUCT.md's input table, as data. Aliases cover the Admin Console's own column labels, the
Administration API's field names (``primaryEmail``, ``basicInfo.userId``) and what a person
filling in a sheet by hand tends to write.
"""

from __future__ import annotations

from auditor.csvio import Column, TableSpec

USERS = TableSpec(
    "users.csv",
    (
        Column("user_id", ("User ID", "id", "userId", "basicInfo.userId"), required=True),
        Column(
            "email",
            ("Email address", "E-mail", "mail", "primaryEmail", "basicInfo.primaryEmail"),
            required=True,
        ),
        Column("status", ("User status", "Account status", "basicInfo.status"), required=True),
        Column(
            "site",
            ("Site ID", "Site name", "Site_ref", "basicInfo.site.id", "basicInfo.site.name"),
            required=True,
        ),
        Column("first_name", ("First name", "Given name", "firstName", "basicInfo.firstName")),
        Column(
            "last_name", ("Last name", "Surname", "Family name", "lastName", "basicInfo.lastName")
        ),
        Column("username", ("User name", "Login", "userName", "basicInfo.userName")),
        Column(
            "licenses",
            ("License", "License types", "License names", "serviceInfo.licenses"),
        ),
        Column("license_ids", ("License ID", "serviceInfo.licenses.id")),
        Column("extension", ("Extension number", "Ext", "extensionNumber")),
        Column(
            "phone_number",
            ("Phone", "Phone numbers", "Primary phone number", "primaryPhoneNumber", "DID"),
        ),
        Column("department", ("Dept", "directoryInfo.department")),
        Column("created_at", ("Created", "Created time", "createdTime", "basicInfo.createdTime")),
        Column(
            "last_updated_at",
            (
                "Last updated",
                "Last updated time",
                "lastUpdatedTime",
                "basicInfo.lastUpdatedTime",
                "Last modified",
                "Updated at",
            ),
        ),
        Column("deactivated_at", ("Deactivated", "Deactivated on", "Deactivation date")),
        Column(
            "scim_provider",
            ("SCIM", "scimProvider", "basicInfo.scimProvider", "Identity provider", "IdP"),
        ),
    ),
)

SITES = TableSpec(
    "sites.csv",
    (
        Column("site_id", ("Site ID", "id"), required=True),
        Column("name", ("Site name", "Site"), required=True),
        Column("state", ("State/Province", "Province", "Region", "address.state"), required=True),
        Column("country", ("Country code", "address.country"), required=True),
        Column("street", ("Street address", "Address", "Address 1", "address.street")),
        Column("city", ("Town", "address.city")),
        Column("postal", ("Postal code", "Zip", "Zip code", "Postcode", "address.postal")),
    ),
)

LICENSES = TableSpec(
    "licenses.csv",
    (
        Column("license_id", ("License ID", "ID", "License number"), required=True),
        Column(
            "license_type",
            ("License type", "Type", "License", "License name", "Product"),
            required=True,
        ),
        Column("status", ("License status", "State"), required=True),
        Column("assigned_to", ("Assignee", "Assigned to user", "User ID", "Assigned user")),
        Column("service_street", ("Service address", "Service address street")),
        Column("service_city", ("Service address city",)),
        Column("service_state", ("Service address state", "Service province")),
        Column("service_postal", ("Service zip", "Service postal code", "Service address postal")),
        Column("service_country", ("Service address country",)),
        Column("country", ("License country", "Country code", "Country")),
    ),
)

POOLS = TableSpec(
    "licenses.csv",
    (
        Column(
            "license_type",
            ("License type", "Type", "License", "License name", "Product"),
            required=True,
        ),
        Column("total", ("Quantity", "Total licenses", "Licenses"), required=True),
        Column("unassigned", ("Available", "Unassigned licenses"), required=True),
        Column("suspended", ("Suspended licenses",)),
        Column("country", ("License country", "Country code", "Country")),
    ),
)

PRICES = TableSpec(
    "prices.csv",
    (
        Column(
            "license_type", ("License type", "Type", "License", "Product", "SKU"), required=True
        ),
        Column(
            "monthly_price",
            ("Price", "Monthly", "Price per month", "Unit price", "Monthly unit price"),
            required=True,
        ),
        Column("currency", ("Currency code", "CCY")),
        Column("kind", ("Category", "License kind")),
        Column("aliases", ("Alias", "Other names", "Also known as")),
        Column("country", ("License country", "Country code", "Country")),
    ),
)
