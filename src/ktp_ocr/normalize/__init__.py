"""Stage 5, normalise: repair and snap every raw field to a clean value."""

from .card import is_foreign, normalize_card
from .fields import Normalized

__all__ = ["Normalized", "is_foreign", "normalize_card"]
