"""Stage 2, locate and align: find the card, warp it upright, and remember how to map boxes back.

The edge measures (``Gradients``, ``side_support``, ``clockwise``) and the working copy are public: the quality
checks judge a card's borders with the same measures the locator found them with.
"""

from .align import RECHECK_SIDE, Alignment, align_card, reframe
from .card_candidates import working_copy
from .card_edges import Gradients, clockwise, side_support
from .geometry import CARD_HEIGHT, CARD_WIDTH

__all__ = [
    "CARD_HEIGHT",
    "CARD_WIDTH",
    "RECHECK_SIDE",
    "Alignment",
    "Gradients",
    "align_card",
    "clockwise",
    "reframe",
    "side_support",
    "working_copy",
]
