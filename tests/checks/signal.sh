#!/bin/sh
echo "about to be killed"
kill -TERM $$
