#!/bin/sh
# Invented setup script of the example cobalt-gpu driver package.
echo "cobalt-gpu 1.0.0: nothing to set up (example data)"
