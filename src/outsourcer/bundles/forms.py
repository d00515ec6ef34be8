from django import forms


class BundleUploadForm(forms.Form):
    file = forms.FileField(label="Bundle file (.json)")
    replace = forms.BooleanField(
        required=False,
        label="Replace what this workspace holds",
        help_text="Needed when the workspace already has data. All of it is replaced, or nothing is.",
    )


class BundleNewWorkspaceForm(forms.Form):
    file = forms.FileField(label="Bundle file (.json)")
    name = forms.CharField(
        max_length=200,
        required=False,
        label="Workspace name",
        help_text="Leave empty to use the name inside the bundle.",
    )
