"""The voices of children and families (docs/domain.md V1-V5): public links, parents' feedback
after conferences, and the child's own page and views before a review.

Everything here is reached by people without an account through `service.public`; the staff
who make, hand over and withdraw the links do so from the staff pages.
"""
