"""Stage 5, normalise: repair and snap every raw field to a clean value."""

from . import regions, vocab
from .card import is_foreign, normalize_card
from .fields import Normalized

__all__ = ["Normalized", "is_foreign", "normalize_card", "warm_up"]


def warm_up() -> None:
    """Load the region list and the country names before the first card, so that a server's first read is not the
    one that pays for them."""
    regions.warm_up()
    vocab.countries()
