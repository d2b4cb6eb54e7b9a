"""Geolocation: place names to ACLED-coded places with a local GeoNames-derived gazetteer.

gazetteer (load_gazetteer, Gazetteer), resolve (PlaceContext, rank_places, resolve_place), geoparse
(find_toponyms, geoparse_records), build (the default index), dumps (an index from GeoNames dumps),
countries (ACLED country names, regions, aliases, demonyms), evaluate (the geolocation table).
"""
