#!/bin/sh
# Tabs, an escape sequence, a byte that is not UTF-8 and spaces around the text.
printf '  tab\there \033[31mred\377 end  \r\nnext\n'
exit 0
