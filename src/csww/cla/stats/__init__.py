"""Statistics DfE publishes from the SSDA903 return, computed from LAs' own returns."""
