#!/bin/sh
# 1 MiB of output after its first line: read and dropped past the limit, never blocking.
echo "OK - flooding"
head -c 1048576 /dev/zero | tr '\0' 'x'
exit 0
