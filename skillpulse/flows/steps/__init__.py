"""The pipeline's steps as plain functions over a Store: Prefect tasks wrap them, tests call them directly.

``collect`` (a source into the store), ``extract`` (skills), ``enrich`` (roles, places, pay, industry,
duplicates); the report is ``skillpulse.reports.build``. Each step does only the work that is missing,
in batches that commit one at a time, so a re-run after a crash resumes and a warm re-run is cheap. The
SQL they need lives in ``skillpulse.flows.store``.
"""
