"""CleanText -> AnalysedDoc: the spaCy pipeline and the rules and dictionaries it reads."""
