#!/bin/sh
# The message on stderr: stdout and stderr are read together.
echo "CRITICAL - /var is 99% full" >&2
exit 2
