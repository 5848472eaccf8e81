"""Signals of the unit tree, for apps that keep figures per subtree."""

from django.dispatch import Signal

# Sent inside unit_move's transaction with old_path and new_path (the moved unit's).
unit_moved = Signal()
