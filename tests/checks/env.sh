#!/bin/sh
# What it was given of its environment: two variables the check may set, and PATH,
# which comes from Tend's own environment.
echo "TEND_CHECK_COLOR=${TEND_CHECK_COLOR-unset}" \
     "TEND_CHECK_EMPTY=${TEND_CHECK_EMPTY-unset}" \
     "PATH=${PATH:+set}"
