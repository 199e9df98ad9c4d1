from typing import List

from crewai import Agent, Crew, Process, Task
from crewai.agents.agent_builder.base_agent import BaseAgent
from crewai.project import CrewBase, agent, crew, task

from demo_bridge.tools.custom_tool import (
    GreetingTool,
    MyCustomTool,
    chatty_tool,
    flaky_lookup,
    letter_histogram,
    word_counter,
)


@CrewBase
class DemoBridge():
    """DemoBridge crew"""

    agents: List[BaseAgent]
    tasks: List[Task]

    @agent
    def editor(self) -> Agent:
        return Agent(
            config=self.agents_config['editor'],  # type: ignore[index]
            tools=[MyCustomTool(), word_counter, letter_histogram],
            verbose=True,
        )

    @agent
    def concierge(self) -> Agent:
        return Agent(
            config=self.agents_config['concierge'],  # type: ignore[index]
            tools=[GreetingTool(greeting="Ahoy"), flaky_lookup, chatty_tool],
            verbose=True,
        )

    @task
    def edit_task(self) -> Task:
        return Task(
            config=self.tasks_config['edit_task'],  # type: ignore[index]
        )

    @task
    def welcome_task(self) -> Task:
        return Task(
            config=self.tasks_config['welcome_task'],  # type: ignore[index]
        )

    @crew
    def crew(self) -> Crew:
        """Creates the DemoBridge crew"""
        return Crew(
            agents=self.agents,
            tasks=self.tasks,
            process=Process.sequential,
            verbose=True,
        )
