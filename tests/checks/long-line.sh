#!/bin/sh
# A first line of 1,000 characters.
head -c 1000 /dev/zero | tr '\0' 'a'
echo
exit 0
