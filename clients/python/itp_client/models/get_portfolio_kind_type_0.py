from enum import StrEnum


class GetPortfolioKindType0(StrEnum):
    CONVERTED_GRANT = "converted_grant"
    FUND_INVESTMENT = "fund_investment"

    def __str__(self) -> str:
        return str(self.value)
