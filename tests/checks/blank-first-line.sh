#!/bin/sh
# An empty first line: the message falls back to the exit status.
printf '\nthe second line\n'
exit 1
