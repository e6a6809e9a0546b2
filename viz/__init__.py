"""viz: computation graphs and networks drawn with Graphviz."""
