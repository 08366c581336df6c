"""Prints every link of an HTML page (href, src and form action), resolved against the page's URL, one a line.

    python3 links.py FILE PAGE_URL
"""

import sys
from html.parser import HTMLParser
from urllib.parse import urljoin


class Links(HTMLParser):
    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None and value.strip():
                self.found.append(urljoin(self.page_url, value.strip()).split("#")[0])


def main():
    parser = Links(sys.argv[2])
    with open(sys.argv[1], encoding="utf-8") as f:
        parser.feed(f.read())
    for url in dict.fromkeys(parser.found):
        print(url)


main()
