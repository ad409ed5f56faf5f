"""Contains all the data models used in inputs/outputs"""

from .access_grant_list import AccessGrantList
from .access_grant_out import AccessGrantOut
from .assignment_create import AssignmentCreate
from .assignment_out import AssignmentOut
from .assignment_page import AssignmentPage
from .assignment_request import AssignmentRequest
from .batch_assignment_out import BatchAssignmentOut
from .carrier_create import CarrierCreate
from .carrier_create_fields_item import CarrierCreateFieldsItem
from .carrier_inbox import CarrierInbox
from .carrier_kind import CarrierKind
from .carrier_out import CarrierOut
from .carrier_page import CarrierPage
from .carrier_page_items_item import CarrierPageItemsItem
from .carrier_status import CarrierStatus
from .center_create import CenterCreate
from .center_create_status import CenterCreateStatus
from .center_out import CenterOut
from .center_page import CenterPage
from .confidentiality import Confidentiality
from .conflict_create import ConflictCreate
from .conflict_out import ConflictOut
from .conflict_page import ConflictPage
from .contact import Contact
from .contract_create import ContractCreate
from .contract_out import ContractOut
from .contract_out_amendment_type_0 import ContractOutAmendmentType0
from .contract_out_conversion_type_0 import ContractOutConversionType0
from .contract_out_investment_type_0 import ContractOutInvestmentType0
from .contract_out_signing_type_0 import ContractOutSigningType0
from .contract_page import ContractPage
from .contract_record import ContractRecord
from .contract_record_page import ContractRecordPage
from .contract_type import ContractType
from .conversion_create import ConversionCreate
from .dashboard_recent_event import DashboardRecentEvent
from .dashboard_recent_events_out import DashboardRecentEventsOut
from .dashboard_stream_stats_out import DashboardStreamStatsOut
from .deliver_body import DeliverBody
from .demand_create import DemandCreate
from .demand_create_fields_item import DemandCreateFieldsItem
from .demand_out import DemandOut
from .demand_out_contact import DemandOutContact
from .demand_page import DemandPage
from .demand_page_items_item import DemandPageItemsItem
from .demand_teaser import DemandTeaser
from .demand_teaser_view import DemandTeaserView
from .demand_teaser_view_suggestions_status import DemandTeaserViewSuggestionsStatus
from .demand_type import DemandType
from .demand_view import DemandView
from .demand_view_suggestions_status import DemandViewSuggestionsStatus
from .enterprise_create import EnterpriseCreate
from .enterprise_create_size import EnterpriseCreateSize
from .enterprise_home import EnterpriseHome
from .enterprise_out import EnterpriseOut
from .enterprise_out_contacts_item import EnterpriseOutContactsItem
from .enterprise_page import EnterprisePage
from .field_error import FieldError
from .fund_create import FundCreate
from .fund_out import FundOut
from .fund_page import FundPage
from .get_breakdown_dimension import GetBreakdownDimension
from .get_breakdown_format_type_0 import GetBreakdownFormatType0
from .get_contract_totals_by import GetContractTotalsBy
from .get_dashboard_events_response_200 import GetDashboardEventsResponse200
from .get_fund_years_format_type_0 import GetFundYearsFormatType0
from .get_portfolio_kind_type_0 import GetPortfolioKindType0
from .get_recent_events_format_type_0 import GetRecentEventsFormatType0
from .grant_body import GrantBody
from .holding_out import HoldingOut
from .holding_out_kind import HoldingOutKind
from .home_demand import HomeDemand
from .import_counts import ImportCounts
from .import_report import ImportReport
from .import_talent_type_type_0 import ImportTalentTypeType0
from .inbox_item_out import InboxItemOut
from .inbox_out import InboxOut
from .inferred_field import InferredField
from .investment_create import InvestmentCreate
from .investment_in import InvestmentIn
from .investment_out import InvestmentOut
from .investment_page import InvestmentPage
from .ip_ownership import IpOwnership
from .kpi_breakdown_page import KpiBreakdownPage
from .kpi_breakdown_row import KpiBreakdownRow
from .kpi_breakdowns import KpiBreakdowns
from .kpi_centers_in_year import KpiCentersInYear
from .kpi_contract_counts import KpiContractCounts
from .kpi_fund_year import KpiFundYear
from .kpi_fund_years import KpiFundYears
from .kpi_funds import KpiFunds
from .kpi_funnel import KpiFunnel
from .kpi_money import KpiMoney
from .kpi_partner_universities import KpiPartnerUniversities
from .kpi_supply import KpiSupply
from .kpi_supply_carriers_by_kind import KpiSupplyCarriersByKind
from .kpi_supply_people_by_role import KpiSupplyPeopleByRole
from .kpi_trainees import KpiTrainees
from .kpis_out import KpisOut
from .kpis_out_breakdown_sizes import KpisOutBreakdownSizes
from .list_all_centers_format_type_0 import ListAllCentersFormatType0
from .list_assignments_status_type_0 import ListAssignmentsStatusType0
from .list_demands_sort import ListDemandsSort
from .list_matches_decision_type_0 import ListMatchesDecisionType0
from .list_trainees_programme_type_0 import ListTraineesProgrammeType0
from .match_decision_create import MatchDecisionCreate
from .match_decision_create_decision import MatchDecisionCreateDecision
from .match_out import MatchOut
from .match_out_origin_type_0 import MatchOutOriginType0
from .match_page import MatchPage
from .milestone_in import MilestoneIn
from .milestone_out import MilestoneOut
from .next_step import NextStep
from .o_auth_error import OAuthError
from .o_auth_error_error import OAuthErrorError
from .offline_match_create import OfflineMatchCreate
from .party import Party
from .payment_create import PaymentCreate
from .person_contact import PersonContact
from .person_create import PersonCreate
from .person_create_fields_item import PersonCreateFieldsItem
from .person_out import PersonOut
from .person_page import PersonPage
from .person_role import PersonRole
from .person_status import PersonStatus
from .portfolio_out import PortfolioOut
from .portfolio_totals import PortfolioTotals
from .problem import Problem
from .reason import Reason
from .reason_body import ReasonBody
from .reason_code import ReasonCode
from .reject_body import RejectBody
from .row_problem import RowProblem
from .row_problem_errors_item import RowProblemErrorsItem
from .sign_body import SignBody
from .suggested_carrier_out import SuggestedCarrierOut
from .suggested_carrier_out_adjustments_item import SuggestedCarrierOutAdjustmentsItem
from .suggested_carrier_out_components import SuggestedCarrierOutComponents
from .suggested_expert_out import SuggestedExpertOut
from .suggested_expert_out_components import SuggestedExpertOutComponents
from .suggestions_out import SuggestionsOut
from .suggestions_out_weights import SuggestionsOutWeights
from .suggestions_pending import SuggestionsPending
from .target_type import TargetType
from .team import Team
from .team_member import TeamMember
from .terminate_body import TerminateBody
from .terms_in import TermsIn
from .token_out import TokenOut
from .token_request import TokenRequest
from .totals_item import TotalsItem
from .totals_out import TotalsOut
from .trainee_create import TraineeCreate
from .trainee_create_programme_type_0 import TraineeCreateProgrammeType0
from .trainee_out import TraineeOut
from .trainee_page import TraineePage
from .trainee_status import TraineeStatus
from .transition_body import TransitionBody
from .update_demand_changes import UpdateDemandChanges
from .update_person_changes import UpdatePersonChanges
from .vocabulary_field import VocabularyField
from .worklist import Worklist

__all__ = (
    "AccessGrantList",
    "AccessGrantOut",
    "AssignmentCreate",
    "AssignmentOut",
    "AssignmentPage",
    "AssignmentRequest",
    "BatchAssignmentOut",
    "CarrierCreate",
    "CarrierCreateFieldsItem",
    "CarrierInbox",
    "CarrierKind",
    "CarrierOut",
    "CarrierPage",
    "CarrierPageItemsItem",
    "CarrierStatus",
    "CenterCreate",
    "CenterCreateStatus",
    "CenterOut",
    "CenterPage",
    "Confidentiality",
    "ConflictCreate",
    "ConflictOut",
    "ConflictPage",
    "Contact",
    "ContractCreate",
    "ContractOut",
    "ContractOutAmendmentType0",
    "ContractOutConversionType0",
    "ContractOutInvestmentType0",
    "ContractOutSigningType0",
    "ContractPage",
    "ContractRecord",
    "ContractRecordPage",
    "ContractType",
    "ConversionCreate",
    "DashboardRecentEvent",
    "DashboardRecentEventsOut",
    "DashboardStreamStatsOut",
    "DeliverBody",
    "DemandCreate",
    "DemandCreateFieldsItem",
    "DemandOut",
    "DemandOutContact",
    "DemandPage",
    "DemandPageItemsItem",
    "DemandTeaser",
    "DemandTeaserView",
    "DemandTeaserViewSuggestionsStatus",
    "DemandType",
    "DemandView",
    "DemandViewSuggestionsStatus",
    "EnterpriseCreate",
    "EnterpriseCreateSize",
    "EnterpriseHome",
    "EnterpriseOut",
    "EnterpriseOutContactsItem",
    "EnterprisePage",
    "FieldError",
    "FundCreate",
    "FundOut",
    "FundPage",
    "GetBreakdownDimension",
    "GetBreakdownFormatType0",
    "GetContractTotalsBy",
    "GetDashboardEventsResponse200",
    "GetFundYearsFormatType0",
    "GetPortfolioKindType0",
    "GetRecentEventsFormatType0",
    "GrantBody",
    "HoldingOut",
    "HoldingOutKind",
    "HomeDemand",
    "ImportCounts",
    "ImportReport",
    "ImportTalentTypeType0",
    "InboxItemOut",
    "InboxOut",
    "InferredField",
    "InvestmentCreate",
    "InvestmentIn",
    "InvestmentOut",
    "InvestmentPage",
    "IpOwnership",
    "KpiBreakdownPage",
    "KpiBreakdownRow",
    "KpiBreakdowns",
    "KpiCentersInYear",
    "KpiContractCounts",
    "KpiFundYear",
    "KpiFundYears",
    "KpiFunds",
    "KpiFunnel",
    "KpiMoney",
    "KpiPartnerUniversities",
    "KpiSupply",
    "KpiSupplyCarriersByKind",
    "KpiSupplyPeopleByRole",
    "KpiTrainees",
    "KpisOut",
    "KpisOutBreakdownSizes",
    "ListAllCentersFormatType0",
    "ListAssignmentsStatusType0",
    "ListDemandsSort",
    "ListMatchesDecisionType0",
    "ListTraineesProgrammeType0",
    "MatchDecisionCreate",
    "MatchDecisionCreateDecision",
    "MatchOut",
    "MatchOutOriginType0",
    "MatchPage",
    "MilestoneIn",
    "MilestoneOut",
    "NextStep",
    "OAuthError",
    "OAuthErrorError",
    "OfflineMatchCreate",
    "Party",
    "PaymentCreate",
    "PersonContact",
    "PersonCreate",
    "PersonCreateFieldsItem",
    "PersonOut",
    "PersonPage",
    "PersonRole",
    "PersonStatus",
    "PortfolioOut",
    "PortfolioTotals",
    "Problem",
    "Reason",
    "ReasonBody",
    "ReasonCode",
    "RejectBody",
    "RowProblem",
    "RowProblemErrorsItem",
    "SignBody",
    "SuggestedCarrierOut",
    "SuggestedCarrierOutAdjustmentsItem",
    "SuggestedCarrierOutComponents",
    "SuggestedExpertOut",
    "SuggestedExpertOutComponents",
    "SuggestionsOut",
    "SuggestionsOutWeights",
    "SuggestionsPending",
    "TargetType",
    "Team",
    "TeamMember",
    "TerminateBody",
    "TermsIn",
    "TokenOut",
    "TokenRequest",
    "TotalsItem",
    "TotalsOut",
    "TraineeCreate",
    "TraineeCreateProgrammeType0",
    "TraineeOut",
    "TraineePage",
    "TraineeStatus",
    "TransitionBody",
    "UpdateDemandChanges",
    "UpdatePersonChanges",
    "VocabularyField",
    "Worklist",
)
