"""Printed-text helpers shared by the layout (which splits a row at its date) and the normalisation (which repairs
and parses it): character classes OCR confuses, word cleaning, and DD-MM-YYYY dates read through noise."""
