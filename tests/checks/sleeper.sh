#!/bin/sh
# Writes its PID to $1 and the PID of a child to $2, then waits far past any timeout.
echo $$ > "$1.tmp" && mv "$1.tmp" "$1"
sleep 60 &
echo $! > "$2.tmp" && mv "$2.tmp" "$2"
echo "sleeping"
wait
