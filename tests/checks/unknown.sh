#!/bin/sh
echo "UNKNOWN - cannot read /proc/tend-example"
exit 3
