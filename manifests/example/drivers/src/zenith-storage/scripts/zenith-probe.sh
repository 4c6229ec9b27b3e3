#!/bin/sh
# Invented probe script of the example zenith-storage driver package.
echo "zenith-storage 0.9.3: nothing to probe (example data)"
