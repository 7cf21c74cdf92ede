#!/bin/sh
# setup.sh -- Gradescope runs this once, as root, when it builds the autograder image:
# install lab86's build dependencies and build it (the zip holds the lab86 tree in lab86/).
set -e
cd /autograder/source
sh lab86/scripts/install-deps.sh
make -C lab86 -j2
