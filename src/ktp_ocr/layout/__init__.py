"""Stage 4, layout: give each OCR line on the upright card to the field whose printed label it belongs to.

``labels.py`` finds the printed labels and aligns them to the template's rows; ``fields.py`` gives every other
line to its row, the header, the blood-type box or the place and date under the photo, and reads again the value
zone of a label row that came back empty.
"""

from .fields import FieldText, assign_fields, read_fields
from .labels import align_labels, count_labels, label_score

__all__ = ["FieldText", "align_labels", "assign_fields", "count_labels", "label_score", "read_fields"]
