#!/usr/bin/env bash
# Debian's python3-torch and python3-onnx regenerate the test models and goldens (tools/*.py). The Maven tests do
# not need them (the generated files are committed), so this only reports.
if /usr/bin/python3 -c "import torch, onnx" 2>/dev/null; then
  echo "python3-torch and python3-onnx present"
else
  echo "python3-torch/python3-onnx absent: fine for the tests; install them to regenerate tools/models"
fi
