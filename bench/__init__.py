"""Data at scale, the benchmark and the load test (issue 8).

``manage.py seed_scale`` fills a database through ``bench.scale``;
``manage.py bench`` measures the pages and jobs through ``bench.measure``;
``bench/loadtest.py`` drives ``make serve`` with wrk.
"""
