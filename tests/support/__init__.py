"""What the tests share: the app and its clock, the test council, scenario drivers, pages
signed in, diagrams built for a test, and the real servers they run against. Test modules
import from here, never from one another; fixtures stay in the conftest.py files."""
