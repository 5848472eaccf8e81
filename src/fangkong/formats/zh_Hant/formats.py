# Official statistics and bulletins group figures by thousands with commas
# (120,000), where Django's Chinese default groups by ten thousands with none.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# A form writes a date into its field in the first input format, and <input type="date">
# takes nothing but 2016-09-05: with Django's Chinese order (2016/09/05 first) every date a
# form prefills (the last exposure of a new observation, a policy's start…) showed as an
# empty field. ISO first; dates typed in the other formats are still read.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2016-09-05'
    "%Y/%m/%d",  # '2016/09/05'
    "%Y年%n月%j日",  # '2016年9月5日' (as Django's own list has it)
]
