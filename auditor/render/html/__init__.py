"""audit.html: the page template's views, charts and the writer."""
