#!/usr/bin/python3
"""A GTK 4 window "Probe" with one icon-only button that has an accessible name and one
that has only a tooltip: test-ui-window.py shows that tendui's walker finds the second."""
import gi
gi.require_version("Gtk", "4.0")
from gi.repository import Gtk  # noqa: E402


def activate(app):
    win = Gtk.ApplicationWindow(application=app, title="Probe")
    box = Gtk.Box(spacing=6)
    named = Gtk.Button(icon_name="view-refresh-symbolic", tooltip_text="Refresh")
    named.update_property([Gtk.AccessibleProperty.LABEL], ["Refresh"])
    box.append(named)
    box.append(Gtk.Button(icon_name="edit-delete-symbolic", tooltip_text="Delete"))
    win.set_child(box)
    win.present()


app = Gtk.Application(application_id="io.github.tendapp.TendProbe")
app.connect("activate", activate)
app.run(None)
