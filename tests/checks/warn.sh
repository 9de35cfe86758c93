#!/bin/sh
echo "WARNING - queue at 85% of its limit"
exit 1
