# Official statistics and bulletins group figures by thousands with commas
# (120,000), where Django's Chinese default groups by ten thousands with none.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
