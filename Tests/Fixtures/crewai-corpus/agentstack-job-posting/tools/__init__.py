
# tool import


from .firecrawl_tool import web_scrape, web_crawl, retrieve_web_crawl



















