import os

from crewai import Agent, Crew, Process, Task
from crewai.project import CrewBase, agent, crew, task

PICK = os.environ.get("WHO", "writer")


@CrewBase
class Skipped:
    agents_config = "config/agents.yaml"
    tasks_config = "config/tasks.yaml"

    @agent
    def researcher(self) -> Agent:
        return Agent(config=self.agents_config["researcher"], goal=f"Find facts about {self.topic}")

    @agent
    def writer(self) -> Agent:
        return Agent(config=self.agents_config["writer"])

    @task
    def research_task(self) -> Task:
        return Task(config=self.tasks_config["research_task"], agent=self.researcher())

    @task
    def write_task(self) -> Task:
        return Task(config=self.tasks_config["write_task"], agent=getattr(self, PICK)())

    @crew
    def crew(self) -> Crew:
        return Crew(agents=self.agents, tasks=self.tasks, process=Process.sequential, verbose=True)
