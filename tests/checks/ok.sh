#!/bin/sh
# A passing plugin: two lines, the first is the message.
echo "OK - 3 workers idle | workers=3"
echo "second line, not part of the message"
exit 0
