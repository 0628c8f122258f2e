"""The agents' and managers' web interface: server-rendered pages with htmx for partial updates."""
