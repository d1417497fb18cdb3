"""Hall simulation and capacity planning: a SimPy model, layouts, replications, replay, planner, Erlang C."""
