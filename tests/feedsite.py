"""A small news site for the feed tests, served by ``summarizer.testing.FeedServer``.

The feeds and pages are written here for the tests (they are not real published news):
two outlets report one flood, a third reports a strike, in RSS 2.0, Atom, RSS 1.0 and
JSON Feed; around them, every fault a crawler meets (see ``add_faults``).
"""

from __future__ import annotations

from summarizer.testing.feed_server import FeedServer, Resource, html_page, rss

DAY = "2025-06-02"
RFC822 = "Mon, 02 Jun 2025 09:30:00 GMT"

FLOOD_A = [
    "Flash floods killed 12 people in the northern city of Kaduna on Monday, the regional "
    "governor said, after a night of heavy rain.",
    "Rescue teams searched for 30 people still missing after the river burst its banks and "
    "swept through two low-lying districts.",
    '"We have never seen water rise this fast," said Musa Bello, a trader who lost his shop.',
]
FLOOD_B = [
    "At least 12 people died when floodwater tore through Kaduna on Monday, officials said, "
    "and dozens more were unaccounted for.",
    "The regional governor said 30 people were still missing and that rescue teams had "
    "reached both of the districts cut off by the river.",
    "Residents described scenes of panic as the water rose before dawn.",
]
STRIKE_C = [
    "Dock workers in Mombasa went on strike on Monday over pay, halting 14 ships at the "
    "port, the union said.",
    "The union said 2,000 members had joined the walkout and that talks with the port "
    "authority had broken down on Sunday evening.",
    "The port authority said it would publish a new offer within a week.",
]
PROTEST_D = [
    "Thousands of teachers marched through Porto on Monday to demand higher salaries, "
    "closing schools across the city for the day.",
    "Organisers said 8,000 people took part; police gave no figure.",
    "The education minister said the government would meet the unions on Thursday.",
]


def atom(title: str, entries: list[dict[str, str]]) -> str:
    body = "".join(
        "<entry>"
        f"<title>{e['title']}</title><id>{e.get('id', e['link'])}</id>"
        f'<link rel="alternate" href="{e["link"]}"/>'
        + (f"<updated>{e['updated']}</updated>" if "updated" in e else "")
        + "</entry>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:test:{title}</id><updated>{DAY}T10:00:00Z</updated>"
        f"{body}</feed>"
    )


def rdf(title: str, link: str, item_title: str, date: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="urn:c"><title>{title}</title><link>http://example.org/</link>'
        "<description>d</description>"
        f'<items><rdf:Seq><rdf:li rdf:resource="{link}"/></rdf:Seq></items></channel>'
        f'<item rdf:about="{link}"><title>{item_title}</title><link>{link}</link>'
        f"<dc:date>{date}</dc:date></item></rdf:RDF>"
    )


def add_news(site: FeedServer) -> dict[str, str]:
    """Four outlets in four feed formats; returns each feed's URL by name."""
    site.add(
        "/robots.txt", Resource("User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    )
    site.add(
        "/a/feed.xml",
        Resource(
            rss("Daily Courier", [
                # relative link, resolved against the feed's URL
                {"title": "Floods kill 12 in Kaduna", "link": "floods.html", "pubDate": RFC822},
            ]),
            content_type="application/rss+xml",
            etag='"a-1"',
        ),
    )  # fmt: skip
    site.add(
        "/a/floods.html",
        Resource(html_page("Floods kill 12 in Kaduna", FLOOD_A), etag='"p1"', gzip=True),
    )
    site.add(
        "/b/atom.xml",
        Resource(
            atom("Evening Standard-Bearer", [
                {"title": "Kaduna flood toll", "link": "/b/kaduna.html", "updated": f"{DAY}T09:00:00Z"},
                # the same page as the Daily Courier's entry: fetched once
                {"title": "Floods (wire)", "link": "/a/floods.html#top", "updated": f"{DAY}T09:05:00Z"},
            ]),
            content_type="application/atom+xml",
            last_modified="Mon, 02 Jun 2025 10:00:00 GMT",
        ),
    )  # fmt: skip
    site.add(
        "/b/kaduna.html",
        Resource(
            html_page("Kaduna flood toll", FLOOD_B), last_modified="Mon, 02 Jun 2025 09:00:00 GMT"
        ),
    )
    site.add(
        "/c/feed.rdf",
        Resource(rdf("Coast Weekly", "/c/strike.html", "Dockers strike", f"{DAY}T08:00:00Z"), content_type="application/rdf+xml", etag='"c-1"'),
    )  # fmt: skip
    site.add("/c/strike.html", Resource(html_page("Dockers strike in Mombasa", STRIKE_C)))
    site.add(
        "/d/feed.json",
        Resource(
            '{"version": "https://jsonfeed.org/version/1.1", "title": "Porto Post", "items": ['
            '{"id": "d1", "url": "/d/teachers.html", "title": "Teachers march"}]}',
            content_type="application/feed+json",
            etag='"d-1"',
        ),
    )  # an entry without a date: the page's metadata dates it
    site.add(
        "/d/teachers.html",
        Resource(html_page("Teachers march in Porto", PROTEST_D, published=f"{DAY}T07:00:00Z")),
    )
    return {name: site.url(path) for name, path in [
        ("a", "/a/feed.xml"), ("b", "/b/atom.xml"), ("c", "/c/feed.rdf"), ("d", "/d/feed.json"),
    ]}  # fmt: skip


FAULT_PAGES = {
    "/f/missing.html": "HTTP 404",
    "/f/broken.html": "HTTP 500",
    "/f/slow.html": "timed out",
    "/f/huge.html": "byte limit",
    "/f/doc.pdf": "not an HTML page",
    "/f/loop1.html": "redirects",
    "/private/secret.html": "robots.txt forbids",
}


def add_faults(site: FeedServer) -> dict[str, str]:
    """A feed listing one good page, one rate-limited page, a redirect, and a page for
    every fault of ``FAULT_PAGES``; and feeds that are broken in their own ways."""
    links = ["/f/good.html", "/f/limited.html", "/f/moved.html", *FAULT_PAGES]
    site.add(
        "/robots.txt", Resource("User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    )
    site.add(
        "/f/feed.xml",
        Resource(
            rss("Fault Gazette", [{"title": p, "link": p, "pubDate": RFC822} for p in links]),
            content_type="application/rss+xml",
        ),
    )
    page = html_page("A good page", FLOOD_A)
    site.add("/f/good.html", Resource(page))
    site.add(
        "/f/limited.html",
        Resource(b"slow down", status=429, content_type="text/plain", headers={"Retry-After": "1"}),
        Resource(html_page("Teachers march", PROTEST_D)),
    )
    site.add("/f/moved.html", Resource(status=301, headers={"Location": "/f/good-final.html"}))
    site.add("/f/good-final.html", Resource(html_page("Moved page", STRIKE_C)))
    site.add("/f/missing.html", Resource(b"gone", status=404))
    site.add("/f/broken.html", Resource(b"oops", status=500))
    site.add("/f/slow.html", Resource(page, delay=3.0))
    site.add("/f/huge.html", Resource(page + "<p>" + "x" * 200_000 + "</p>"))
    site.add("/f/doc.pdf", Resource(b"%PDF-1.4 ...", content_type="application/pdf"))
    site.add("/f/loop1.html", Resource(status=302, headers={"Location": "/f/loop2.html"}))
    site.add("/f/loop2.html", Resource(status=302, headers={"Location": "/f/loop1.html"}))
    site.add("/private/secret.html", Resource(page))
    # a feed in Latin-1 that declares UTF-8: read, with a warning
    latin = rss(
        "Café Noticias",
        [{"title": "Inundação em Kaduna", "link": "/f/good.html", "pubDate": RFC822}],
    )
    site.add(
        "/f/latin1.xml",
        Resource(latin.encode("latin-1"), content_type="application/rss+xml; charset=utf-8"),
    )
    site.add(
        "/f/notafeed.xml",
        Resource(b"<html><body>Not a feed</body></html>", content_type="text/html"),
    )
    site.add(
        "/f/malformed.xml",
        Resource(
            b"<?xml version='1.0'?><rss><channel><item><title>cut",
            content_type="application/rss+xml",
        ),
    )
    return {name: site.url(path) for name, path in [
        ("faults", "/f/feed.xml"), ("latin1", "/f/latin1.xml"), ("notafeed", "/f/notafeed.xml"),
        ("malformed", "/f/malformed.xml"), ("missing", "/f/nofeed.xml"),
    ]}  # fmt: skip
