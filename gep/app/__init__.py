"""Streamlit dashboard (``streamlit run app.py``): pages in ``gep/app/pages/``, helpers here.

Pages are thin: they call ``gep.*`` for every number and only lay results out. Helper
modules without Streamlit (``workspace``, ``coeftable``, ``charts``, ``i18n``) can be used and
tested on their own.
"""
