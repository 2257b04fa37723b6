"""The knowledge base's pure parts: segmentation and synonyms, snippets, diffs, unusual usage."""
