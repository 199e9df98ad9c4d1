from crewai import Agent, Crew, Process, Task
from crewai.project import CrewBase, agent, crew, task


@CrewBase
class Broken:
    @agent
    def researcher(self) -> Agent:
        return Agent(config=self.agents_config['researcher'], role="unterminated)
