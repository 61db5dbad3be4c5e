"""Form of a capital campaign with a matching partner."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from ..messages import message
from ..rules import RuleError, check_campaign, parse_ratio


class CampaignForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the campaign a title.")),
                                                 Length(max=200)])
    partner = IntegerField(_l("Membership number of the matching partner"), validators=[
        DataRequired(_l("Give the membership number.")), NumberRange(min=1, max=10**9)])
    target = StringField(_l("Target (€), partner included"),
                         validators=[DataRequired(_l("Give the target.")), Length(max=40)])
    match_ratio = StringField(_l("Euros of the others for each euro of the partner"),
                              default="1", validators=[Length(max=16)])
    starts_on = DateField(_l("Start"), validators=[DataRequired(_l("Give a valid date."))])
    deadline = DateField(_l("Deadline"), validators=[DataRequired(_l("Give a valid date."))])

    def validate_target(self, field):
        text = "".join((field.data or "").split()).replace("\u202f", "")
        try:
            check_campaign(text, self.starts_on.data or self.deadline.data,
                           self.deadline.data or self.starts_on.data)
        except RuleError as err:
            if err.code != "date_required":
                raise ValidationError(message(err.code, err.params)) from None
        field.data = text

    def validate_deadline(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(message("campaign_deadline_before"))

    def validate_match_ratio(self, field):
        try:
            parse_ratio(field.data or "1")
        except RuleError as err:
            raise ValidationError(message(err.code, err.params)) from None
