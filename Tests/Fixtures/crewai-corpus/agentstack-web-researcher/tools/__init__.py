
# tool import
from .firecrawl_tool import web_scrape, web_crawl, retrieve_web_crawl
from .neon_tool import create_database, execute_sql_ddl, run_sql_query
