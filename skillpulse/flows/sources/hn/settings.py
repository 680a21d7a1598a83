"""Hacker News "Who is hiring?": Algolia finds the monthly threads and returns each whole in one call."""

from skillpulse.flows.http import HostPolicy

BASE_URL = "https://hn.algolia.com/api/v1"
FIREBASE_URL = "https://hacker-news.firebaseio.com/v0"
SEARCH_PATH = "search_by_date"
SEARCH_QUERY = {"tags": "story,author_whoishiring", "hitsPerPage": 100}
ITEM_PATH = "items/{id}"
MONTHS_BACK = 24
MAX_SEARCH_PAGES = 20
THREAD_TITLE = "ask hn: who is hiring"
POLICY = HostPolicy(concurrency=4, min_interval=0.2)
FIREBASE_POLICY = HostPolicy(concurrency=8, min_interval=0.02)
ITEM_URL = "https://news.ycombinator.com/item?id={id}"
