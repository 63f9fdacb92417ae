"""The HTML report's jinja2 templates, shipped in the wheel as the package ``auditor.templates``.

They live at the project's top level (see pyproject.toml's ``package-dir``) so a designer finds
them beside the code rather than inside it; this file only makes the folder a package.
"""
