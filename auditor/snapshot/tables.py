"""The snapshot's files: their canonical columns and the header spellings accepted for each.

PRODUCT.md's input table, as data. Aliases cover the Admin Console's own column labels, the
Administration API's field names (``primaryEmail``, ``basicInfo.userId``), the Admin Console's
bulk-user template columns (``User.FirstName``, ``User.Voice.Number``: the style of 8x8's help
page "Create Users in Bulk"; only ``User.Voice.Number`` is named there, the others follow it),
SCIM attribute names as an IdP export flattens them (``name.givenName``, ``emails.value``,
``active``, ``meta.lastModified``, the 8x8 ``site`` extension) and what a person filling in a
sheet by hand tends to write.
"""

from __future__ import annotations

from auditor.snapshot.csvio import Column, TableSpec

USERS = TableSpec(
    "users.csv",
    (
        Column(
            "user_id", ("User ID", "id", "userId", "basicInfo.userId", "User.Id"), required=True
        ),
        Column(
            "email",
            (
                "Email address",
                "E-mail",
                "mail",
                "primaryEmail",
                "basicInfo.primaryEmail",
                "User.Email",
                "emails.value",
                "emails[0].value",
                'emails[type eq "work"].value',
            ),
            required=True,
        ),
        Column(
            "status",
            ("User status", "Account status", "basicInfo.status", "User.Status", "active"),
            required=True,
        ),
        Column(
            "site",
            (
                "Site ID",
                "Site name",
                "Site_ref",
                "basicInfo.site.id",
                "basicInfo.site.name",
                "User.Site",
                "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site",
            ),
            required=True,
        ),
        Column(
            "first_name",
            (
                "First name",
                "Given name",
                "firstName",
                "basicInfo.firstName",
                "User.FirstName",
                "name.givenName",
            ),
        ),
        Column(
            "last_name",
            (
                "Last name",
                "Surname",
                "Family name",
                "lastName",
                "basicInfo.lastName",
                "User.LastName",
                "name.familyName",
            ),
        ),
        Column(
            "username", ("User name", "Login", "userName", "basicInfo.userName", "User.UserName")
        ),
        Column(
            "licenses",
            ("License", "License types", "License names", "serviceInfo.licenses", "User.License"),
        ),
        Column("license_ids", ("License ID", "serviceInfo.licenses.id")),
        Column("extension", ("Extension number", "Ext", "extensionNumber", "User.Voice.Extension")),
        Column(
            "phone_number",
            (
                "Phone",
                "Phone numbers",
                "Primary phone number",
                "primaryPhoneNumber",
                "DID",
                "User.Voice.Number",
            ),
        ),
        Column(
            "department",
            (
                "Dept",
                "directoryInfo.department",
                "User.Department",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            ),
        ),
        Column(
            "created_at",
            ("Created", "Created time", "createdTime", "basicInfo.createdTime", "meta.created"),
        ),
        Column(
            "last_updated_at",
            (
                "Last updated",
                "Last updated time",
                "lastUpdatedTime",
                "basicInfo.lastUpdatedTime",
                "Last modified",
                "Updated at",
                "meta.lastModified",
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

#: The tenant's addresses with their usage counts (``GET /addresses``, S6): ``license`` is how
#: many licenses have the address as their service address, which is what taxes follow.
ADDRESSES = TableSpec(
    "addresses.csv",
    (
        Column("address_id", ("Address ID", "id"), required=True),
        Column("state", ("State/Province", "Province", "Region"), required=True),
        Column("country", ("Country code",), required=True),
        Column(
            "license_count",
            ("usage_license", "addressUsage.license", "Licenses", "License usage"),
            required=True,
        ),
        Column("site_count", ("usage_site", "addressUsage.site", "Sites", "Site usage")),
        Column("street", ("Street address", "Address", "Address 1")),
        Column("city", ("Town",)),
        Column("postal", ("Postal code", "Zip", "Zip code", "Postcode")),
        Column("display_form", ("displayForm", "Display form", "Full address")),
        Column("user_extension_count", ("usage_user_extension", "addressUsage.userExtension")),
        Column("user_personal_count", ("usage_user_personal", "addressUsage.userPersonal")),
        Column("customer_count", ("usage_customer", "addressUsage.customer")),
        Column("trunk_count", ("usage_trunk", "addressUsage.trunk")),
        Column(
            "operator_connect_count", ("usage_operator_connect", "addressUsage.operatorConnect")
        ),
    ),
)

#: The tenant's phone numbers (``GET /phone-numbers``, S7): an AVAILABLE number is claimed
#: and billed but used by nobody.
NUMBERS = TableSpec(
    "numbers.csv",
    (
        Column("number", ("Phone number", "phoneNumber", "Number", "DID", "E.164"), required=True),
        Column("status", ("Number status", "State"), required=True),
        Column("category", ("Number category", "Type", "Number type")),
        Column("origin", ("Number origin", "Source")),
        Column("country", ("Country code", "Number country")),
    ),
)
