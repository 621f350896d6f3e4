"""A GTK 4 window that greets you, the smallest desktop app flatpak-python-action builds."""

import sys

import gi

gi.require_version("Gtk", "4.0")
from gi.repository import Gtk  # noqa: E402

APP_ID = "org.example.GtkHello"


def on_activate(app: Gtk.Application) -> None:
    label = Gtk.Label(label="Hello from a Flatpak built by flatpak-python-action!")
    label.set_margin_top(48)
    label.set_margin_bottom(48)
    label.set_margin_start(48)
    label.set_margin_end(48)
    window = Gtk.ApplicationWindow(application=app, title="GTK Hello")
    window.set_child(label)
    window.present()


def main() -> int:
    app = Gtk.Application(application_id=APP_ID)
    app.connect("activate", on_activate)
    return app.run(sys.argv)


if __name__ == "__main__":
    sys.exit(main())
